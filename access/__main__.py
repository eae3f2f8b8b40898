"""``python -m access``: see access.cli."""

from access.cli import main

raise SystemExit(main())
