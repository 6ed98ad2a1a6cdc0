"""``python -m bench``: run the floors and scenarios, one JSON line each."""

import sys

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
