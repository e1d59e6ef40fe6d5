"""How the process keeps memory: checked in a process of its own, since the settings are
process-wide."""

import subprocess
import sys


def test_freed_memory_is_kept_and_numpy_asks_for_no_huge_pages():
    code = ("import numpy\n"
            "from studio.engine.memory import keep_freed_memory\n"
            "switch = numpy._core.multiarray\n"
            "switch._set_madvise_hugepage(True)  # numpy's default on Linux kernels since 4.6\n"
            "assert keep_freed_memory()  # glibc took the settings\n"
            "assert not switch._get_madvise_hugepage()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_collection_is_paused_inside_the_block_and_as_it_was_after():
    code = ("import gc\n"
            "from studio.engine.memory import collection_paused\n"
            "with collection_paused():\n"
            "    assert not gc.isenabled()\n"
            "assert gc.isenabled()\n"
            "gc.disable()\n"
            "with collection_paused():\n"
            "    pass\n"
            "assert not gc.isenabled()  # a collector turned off elsewhere stays off\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
