"""Entry point for ``python -m quiver_trainer``."""

import sys

from quiver_trainer.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
