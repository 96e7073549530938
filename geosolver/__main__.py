"""`python -m geosolver ...` is the same as the `geosolver` command."""

import sys

from geosolver.cli import main

sys.exit(main())
