"""The console's pages: each router renders templates from the services' answers."""
