"""``python -m agent.cli``: the ``bcagent`` command."""

import sys

from agent.cli import main

sys.exit(main())
