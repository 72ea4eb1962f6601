#!/usr/bin/env bash
# Placeholder: filled by the issue that brings this stage.
echo "tests/golden/run.sh: nothing here yet"
