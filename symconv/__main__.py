"""Run the ``symconv`` command as ``python -m symconv``."""

from symconv.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
