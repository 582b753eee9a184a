"""Entry point: ``python main.py <command> [flags] [key=value ...]``."""

import sys

from tickets.cli import main

if __name__ == "__main__":
    sys.exit(main())
