"""Index and driver-model releases on disk, swapped in atomically and kept for rollback.

**Index.** The live index path (``paths.index``, e.g. ``outputs/index``) becomes a symlink to a
release folder ``<parent>/index_releases/<run id>``. A candidate starts as a copy of the live
index and is extended with the new tickets (``build_index`` only embeds what it has not seen).
Swapping is one ``rename`` of a fresh symlink over the old one, atomic on POSIX: a reader opens
either the old release or the new one, never a mix. The first swap adopts a live *folder* into
``index_releases/`` (two renames, microseconds apart; done once).

**Driver model.** The live files are ``<paths.models>/satisfaction_model.{pkl,json}`` (what
``analytics`` reads). A challenger is trained into its run folder; installing it snapshots the
live pair first, then copies pickle then metadata (the metadata marks the pair complete).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from tickets.utils.io import atomic_path
from tickets.utils.timeutil import run_stamp

RELEASES_DIR = "index_releases"
DRIVER_FILES = ("satisfaction_model.pkl", "satisfaction_model.json")  # metadata last


class IndexReleases:
    def __init__(self, live: Path) -> None:
        self.live = Path(live)
        self.root = self.live.parent / RELEASES_DIR

    def current(self) -> Path | None:
        """The release folder the live path serves (the live folder itself before adoption)."""
        if self.live.is_symlink():
            return (self.live.parent / os.readlink(self.live)).resolve()
        return self.live.resolve() if self.live.is_dir() else None

    def candidate(self, run_id: str) -> Path:
        """A new release folder seeded with a copy of the live index (empty when none)."""
        target = self.root / run_id
        if target.exists():
            shutil.rmtree(target)
        self.root.mkdir(parents=True, exist_ok=True)
        current = self.current()
        if current is not None and current.is_dir():
            shutil.copytree(current, target, symlinks=True)
        else:
            target.mkdir()
        return target

    def swap_to(self, release: Path | None) -> Path | None:
        """Point the live path at ``release`` (None: remove it); returns what it served before."""
        previous = self._adopt_live_folder()
        if release is None:
            if self.live.is_symlink():
                self.live.unlink()
            return previous
        link = self.live.parent / f".{self.live.name}.swap-{uuid.uuid4().hex[:8]}"
        os.symlink(os.path.relpath(Path(release).resolve(), self.live.parent.resolve()), link)
        os.replace(link, self.live)
        return previous

    def _adopt_live_folder(self) -> Path | None:
        if self.live.is_symlink() or not self.live.exists():
            return self.current()
        self.root.mkdir(parents=True, exist_ok=True)
        adopted = self.root / f"adopted-{run_stamp()}"
        os.replace(self.live, adopted)
        return adopted.resolve()

    def prune(self, keep: int, protect: tuple[Path | None, ...] = ()) -> list[Path]:
        """Delete the oldest releases beyond ``keep``, never the live one or ``protect``."""
        if not self.root.is_dir():
            return []
        kept = {p.resolve() for p in (self.current(), *protect) if p is not None}
        folders = [p for p in self.root.iterdir() if p.is_dir()]
        releases = sorted(folders, key=lambda p: (p.stat().st_mtime_ns, p.name))
        removable = [p for p in releases if p.resolve() not in kept]
        excess = max(0, len(releases) - keep)
        removed = removable[:excess]
        for folder in removed:
            shutil.rmtree(folder, ignore_errors=True)
        return removed


def driver_files_present(folder: Path) -> bool:
    return all((Path(folder) / name).is_file() for name in DRIVER_FILES)


def install_drivers(source: Path, live_dir: Path, snapshot_dir: Path) -> Path | None:
    """Copy the driver model in ``source`` over the live one; returns the snapshot of the
    replaced model (None when there was none)."""
    replaced = snapshot_drivers(live_dir, snapshot_dir)
    copy_drivers(source, live_dir)
    return replaced


def snapshot_drivers(live_dir: Path, snapshot_dir: Path) -> Path | None:
    if not driver_files_present(live_dir):
        return None
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    for name in DRIVER_FILES:
        shutil.copy2(live_dir / name, snapshot_dir / name)
    return snapshot_dir


def copy_drivers(source: Path | None, live_dir: Path) -> None:
    """Make ``source``'s model the live one (None: remove the live model)."""
    if source is None:
        for name in reversed(DRIVER_FILES):
            (live_dir / name).unlink(missing_ok=True)
        return
    if not driver_files_present(source):
        raise FileNotFoundError(
            f"no driver model in {source} (expected {', '.join(DRIVER_FILES)}); it may have been "
            "deleted by hand: retrain with 'python main.py retrain --force'"
        )
    for name in DRIVER_FILES:
        with atomic_path(live_dir / name) as tmp:
            shutil.copy2(source / name, tmp)
