"""Reports: maps, plots and exports built on shieldcheck results."""
