"""Running the dashboard as a service: one settings file, health and status, backups."""
