"""The job the Python client check submits: prints a few lines for the log stream to carry."""

import platform

for line_number in range(1, 4):
    print(f"hello from the emulator job, line {line_number}")
print(f"python {platform.python_version()}")
