"""Prints `vllm serve`'s argparse table as JSON (run with the Python of a vLLM venv): one entry per action.

The simulator's flag table (src/sim/argv/vllm-serve-flags.json) is this output for the vLLM version it matches:
  HF_HUB_OFFLINE=1 ~/.cache/tunelab/vllm/<version>/venv/bin/python scripts/vllm-serve-flags.py > src/sim/argv/vllm-serve-flags.json
"""
import argparse
import json
import sys

from vllm.entrypoints.cli.serve import ServeSubcommand
from vllm.utils.argparse_utils import FlexibleArgumentParser

root = FlexibleArgumentParser(prog="vllm")
serve = ServeSubcommand().subparser_init(root.add_subparsers(dest="subparser"))
out = []
for action in serve._actions:
    if not action.option_strings:
        out.append({"positional": action.dest})
        continue
    out.append({
        "options": action.option_strings,
        "dest": action.dest,
        "action": type(action).__name__,
        "takes_value": action.nargs != 0,
        "nargs": action.nargs if isinstance(action.nargs, (int, str)) else None,
        "type": getattr(action.type, "__name__", None) if action.type else None,
        "choices": [str(c) for c in action.choices] if action.choices else None,
    })
from importlib.metadata import version
json.dump({"vllm": version("vllm"), "actions": out}, sys.stdout, indent=1)
