#!/usr/bin/env bash
# Placeholder: filled by the issue that brings this stage.
echo "tests/lab/demo.sh: nothing here yet"
