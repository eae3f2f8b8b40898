"""Benchmarks and load tools: outside the runtime (the offline bundle leaves them out);
they import the application, nothing of the application imports them."""
