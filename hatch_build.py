"""Hatchling build hook: compiles the optional C extension ``accord.runtime._speedups``.

hatchling cannot compile C by itself, so this hook drives setuptools' ``build_ext`` at install
time. The extension is an accelerator only: when it cannot be built (no compiler, no Python
headers) or ``ACCORD_NO_SPEEDUPS=1`` is set, the install still succeeds and accord runs its
pure-Python codec instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULE = "accord.runtime._speedups"
SOURCE = "accord/runtime/_speedups.c"


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        editable = version == "editable"
        package_dir = Path(self.root, SOURCE).parent
        self._tmp = tempfile.mkdtemp(prefix="accord-build-")
        built: Path | None = None
        if os.environ.get("ACCORD_NO_SPEEDUPS", "") in ("", "0"):
            try:
                built = self._compile(Path(self._tmp))
            except Exception as exc:  # any failure (no compiler, no headers): fall back
                reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = "ACCORD_NO_SPEEDUPS is set"
        if built is None:
            print(
                f"WARNING: accord's C speedups were not built ({reason}); "
                "accord will use its pure-Python codec (slower).",
                file=sys.stderr,
            )
            if editable:  # an old binary must never shadow a newer source
                for stale in [
                    *package_dir.glob("_speedups*.so"),
                    *package_dir.glob("_speedups*.pyd"),
                ]:
                    stale.unlink()
            return
        if editable:  # the editable install imports from the source tree: put it beside the .c
            staged = package_dir / (built.name + ".tmp")
            shutil.copy2(built, staged)
            os.replace(staged, package_dir / built.name)  # never rewrite a loaded .so in place
        else:
            build_data["force_include"][str(built)] = f"accord/runtime/{built.name}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _compile(self, tmp: Path) -> Path:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        flags = ["-O2"] if sys.platform != "win32" else []
        ext = Extension(MODULE, [str(Path(self.root, SOURCE))], extra_compile_args=flags)
        cmd = build_ext(Distribution({"name": "accord", "ext_modules": [ext]}))
        cmd.build_lib = str(tmp / "lib")
        cmd.build_temp = str(tmp / "temp")
        cmd.ensure_finalized()
        cmd.run()
        return Path(cmd.get_ext_fullpath(MODULE))
