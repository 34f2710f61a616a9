"""The installed app's entry point (PyInstaller runs this; see finder.spec).

``freeze_support`` first: finder starts its parsers and its embedder with multiprocessing's
``spawn``, which in a frozen app runs this very executable again with arguments of its own;
there it serves the child and exits instead of reaching finder's command line.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from finder.cli import main

    sys.exit(main())
