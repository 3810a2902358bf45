#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
    from django.core.management import execute_from_command_line

    from opo_portal.checkconfig import configuration_errors_as_one_line

    with configuration_errors_as_one_line():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
