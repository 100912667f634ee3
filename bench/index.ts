// Every benchmark, one after the other. Each prints its own figures against the budgets in DESIGN.md §7.
await import('./sync');
