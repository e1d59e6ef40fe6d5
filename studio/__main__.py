"""`python -m studio` runs the studio command; the bundle's program (build.spec) starts here."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The workers and the audio process are started with "spawn": in the bundle each starts
    # this program again, and freeze_support runs the child's part and exits before the
    # command (and everything it imports) is loaded. Outside the bundle it does nothing.
    multiprocessing.freeze_support()
    from studio.cli import main

    sys.exit(main())
