"""`python -m finder` runs the command line."""

from finder.cli import main

raise SystemExit(main())
