"""How the process keeps memory: checked in a process of its own, since the settings are
process-wide."""

import subprocess
import sys


def run_alone(*lines: str) -> None:
    """Run the lines in a fresh interpreter; fail with its error output if they fail."""
    result = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


def test_freed_memory_is_kept_and_numpy_asks_for_no_huge_pages():
    run_alone("import numpy",
              "from studio.engine.memory import keep_freed_memory",
              "switch = numpy._core.multiarray",
              "switch._set_madvise_hugepage(True)  # numpy's default on Linux kernels since 4.6",
              "assert keep_freed_memory()  # glibc took the settings",
              "assert not switch._get_madvise_hugepage()")


def test_collection_is_paused_inside_the_block_and_as_it_was_after():
    run_alone("import gc",
              "from studio.engine.memory import collection_paused",
              "with collection_paused():",
              "    assert not gc.isenabled()",
              "assert gc.isenabled()",
              "gc.disable()",
              "with collection_paused():",
              "    pass",
              "assert not gc.isenabled()  # a collector turned off elsewhere stays off")
