"""The bottom layer: settings, number and date style, errors and messages. Imports nothing
of the project's own."""
