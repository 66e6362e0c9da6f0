#!/usr/bin/env python
import os
import sys

from portal.settings.environment import SettingsError, load_env_file

if __name__ == "__main__":
    load_env_file()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except SettingsError as exc:
        sys.exit(str(exc))
