"""``python -m trouble_mapper [FILE]``."""

import sys

from trouble_mapper.app import main

sys.exit(main())
