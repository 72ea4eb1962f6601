#!/usr/bin/env bash
# Placeholder: filled by the issue that brings this stage.
echo "bench/run.sh: nothing here yet"
