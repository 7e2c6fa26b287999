"""Batch terrain correction of one or many products, in this process or on Dask.

:func:`batch_terrain_correct` runs, for each product (a local folder/zip/file or an http(s)/s3
URL of one of its files):

1. calibration and multilooking to beta0 (one Dask task per scene, all scenes at once; only the
   radar lines and pixels the output extent needs, plus the tiles' halo, and only the beams it meets,
   when an extent is given (:func:`..rtc.scene_input.extent_windows`) - so a URL product is read
   there only);
2. the terrain-correction tiles (:func:`palsar2_plugin.rtc.driver.terrain_correct` with a
   :class:`DaskExecutor`): one task per tile, which reads its DEM and beta0 windows and writes its layers
   to a per-tile file in a scratch folder beside the output; the client assembles them into the
   NRB product as futures complete (progress from ``as_completed``; cancel cancels the futures).
   Nothing larger than a path travels back to the client.

Every scene is tried: a scene that cannot be opened, calibrated or corrected (a broken product, a DEM
not covering it, a task that raises, workers dying more often than Dask retries) is reported with
why, leaves no product folder behind (the writer works in a temporary folder renamed at the end) and
does not stop the others; the batch fails (Palsar2Error) only when no scene was written. Each scene's
beta0 and each run's tiles go into scratch folders the client makes and removes, so a worker killed
while writing them leaves nothing behind (:mod:`..staging`).
"""

from __future__ import annotations

import os
import uuid
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import Cancelled, Palsar2Error
from ..net.urls import split_credentials, strip_credentials
from ..progress import CancelCheck, ProgressCallback, SubProgress, WarningCallback, check_cancelled, report
from ..progress import warn as report_warning
from ..staging import ScratchFolder, remove_leftovers, writable_folder
from .execution import PROCESS, ExecutionOptions, open_client
from ..rtc.executors import TileExecutor
from ..rtc.radar_input import Beta0FileInput
from .tasks import calibrate_scene, compute_tile, load_tile

#: Tile size when Dask workers compute the tiles: their threads each hold a tile and we do not know
#: how many they run, so the size rtc.driver.default_tile_size gives for four (in-process runs use
#: the size for their own thread count).
DASK_TILE_SIZE = 256


class DaskExecutor(TileExecutor):
    """Tiles as Dask tasks on ``client`` (see :mod:`palsar2_plugin.rtc.executors`): the plan and the
    radar input are scattered once; each task writes its layers to a file in a scratch folder under
    ``scratch_root`` and returns the path; the client writes them into the product as they complete."""

    def __init__(self, client, scratch_root: str):
        self.client = client
        self.scratch_root = scratch_root

    def run(self, plan, radar, write, progress=None, is_cancelled=None, times=None) -> None:
        from distributed import as_completed

        client = self.client
        scratch_folder = ScratchFolder(self.scratch_root, "palsar2-tiles")
        scratch = scratch_folder.path
        tiles = plan.tiles
        n, n_pols = len(tiles), len(plan.polarisations)
        futures = []
        try:
            plan_future = client.scatter(plan, broadcast=True, hash=False)
            radar_future = client.scatter(radar, broadcast=True, hash=False)
            run_id = uuid.uuid4().hex[:8]
            futures = [client.submit(compute_tile, plan_future, radar_future, tile, scratch,
                                     key=f"palsar2-tile-{run_id}-{i}", pure=False) for i, tile in enumerate(tiles)]
            tile_of = {f.key: tile for f, tile in zip(futures, tiles)}
            done = 0
            for fut in as_completed(futures):
                check_cancelled(is_cancelled)
                path = fut.result()
                write(load_tile(path, n_pols), tile_of[fut.key])
                os.remove(path)
                done += 1
                report(progress, done / n, f"Tile {done}/{n} (Dask)")
        except (Cancelled, Palsar2Error):
            client.cancel(futures)
            raise
        except Exception as exc:  # noqa: BLE001 - a worker's failure (KilledWorker, OSError...) for the user
            client.cancel(futures)
            raise Palsar2Error(f"The Dask run failed ({type(exc).__name__}: {exc}). No product was written for this "
                               "scene; check the workers' memory limit and logs, then run again.") from exc
        finally:
            # again while cancelled tiles still running on workers finish writing into it (client.cancel
            # does not stop a running task; a tile takes well under a second)
            scratch_folder.close(patience_s=10.0)


def batch_terrain_correct(products: Sequence[str], dem_path: str, output_folder: str, *,
                          execution: Optional[ExecutionOptions] = None, height_reference: str = "egm96",
                          polarisations: Optional[Sequence[str]] = None, crs: Optional[str] = None,
                          pixel_size_m: float = 25.0, extent=None, extent_crs: Optional[str] = None,
                          oversampling: int = 2, looks: Optional[Tuple[int, int]] = None,
                          tile_size: Optional[int] = None,
                          progress: Optional[ProgressCallback] = None,
                          is_cancelled: Optional[CancelCheck] = None, client=None,
                          warn: Optional[WarningCallback] = None) -> List[Dict[str, object]]:
    """Terrain-correct every product (paths or URLs) into one NRB product folder each under
    ``output_folder``. Returns one dict per product, in order: ``product`` (as given, less a URL's
    ``user:password@``), ``status`` ("written" or "failed"), ``error`` (why it failed, else None), ``warnings``, and for a written
    scene terrain_correct's paths (``folder``, ``gamma0``, ``mask``...). Raises Palsar2Error (naming
    every failure) only when no scene was written; ``warn`` receives each failure and warning as it
    happens. ``execution`` (default: local Dask cluster) chooses where; an open dask.distributed
    ``client`` may be given instead. Parameters as :func:`palsar2_plugin.rtc.scene_input.terrain_correct_product`."""
    from ..ceos import open_product
    from ..rtc.driver import terrain_correct
    from ..rtc.scene_input import check_inputs, extent_windows

    given = [str(p) for p in products]
    products = [strip_credentials(p) for p in given]   # what results and messages name: never a password
    secrets = [c[1] for c in (split_credentials(p)[1] for p in given) if c and c[1]]
    if not products:
        raise Palsar2Error("No products given: choose at least one product folder, zip, file or URL.")
    execution = execution or ExecutionOptions()
    writable_folder(output_folder)
    remove_leftovers(output_folder)
    n = len(products)
    outcomes: List[Dict[str, object]] = [{"product": p, "status": None, "error": None, "warnings": []}
                                         for p in products]

    def failed(i: int, error: BaseException) -> None:
        text = str(error) if isinstance(error, Palsar2Error) else f"{type(error).__name__}: {error}"
        for secret in secrets:                   # a library's message may quote the URL as it was given
            text = text.replace(secret, "***")
        outcomes[i].update(status="failed", error=text)
        report_warning(warn, f"Scene {i + 1}/{n} ({products[i]}) failed: {text}")

    report(progress, 0.0, f"Opening {n} products")
    prepared: Dict[int, Tuple[object, object, object]] = {}
    for i, product in enumerate(given):
        check_cancelled(is_cancelled)
        try:
            scene = open_product(product)
            check_inputs(scene, dem_path, height_reference, crs, pixel_size_m, extent, extent_crs)
            window, scene_crs = (extent_windows(scene, crs, pixel_size_m, extent, extent_crs, oversampling)
                                 if extent is not None else (None, crs))
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - one broken scene must not stop the others
            failed(i, exc)
            continue
        prepared[i] = (scene, window, scene_crs)
    ids = {i: (scene.scene_id, scene.product_id) for i, (scene, _, _) in prepared.items()}
    for i, key in ids.items():
        first = min(j for j, other in ids.items() if other == key)
        if first != i:
            raise Palsar2Error(f"{products[i]} is the same product as {products[first]} ({key[0]} {key[1]}): "
                               f"give each product once.")

    def run(client) -> None:
        scratch = {i: ScratchFolder(output_folder, "palsar2-beta0") for i in prepared}
        # the opened scenes travel to the workers (small: metadata and file locations), not re-read there
        args = {i: (scene, polarisations, pixel_size_m, looks, scratch[i].path, window)
                for i, (scene, window, _) in prepared.items()}
        calibrations = ({i: client.submit(calibrate_scene, *a, pure=False) for i, a in args.items()}
                        if client is not None else {})
        try:
            for i in sorted(args):
                sub = SubProgress(progress, i / n, (i + 1) / n)
                report(sub, 0.0, f"Scene {i + 1}/{n}: calibrating and multilooking")
                try:
                    try:
                        radar: Beta0FileInput = (calibrate_scene(*args[i]) if client is None
                                                 else calibrations[i].result())
                    except (Cancelled, Palsar2Error):
                        raise
                    except Exception as exc:  # noqa: BLE001 - a worker's failure (KilledWorker, OSError...)
                        raise Palsar2Error(f"Calibrating failed on Dask ({type(exc).__name__}: {exc}).") from exc
                    check_cancelled(is_cancelled)
                    executor = DaskExecutor(client, output_folder) if client is not None else None
                    result = terrain_correct(
                        radar, dem_path, output_folder, height_reference=height_reference,
                        polarisations=radar.polarisations, crs=prepared[i][2], pixel_size_m=pixel_size_m, extent=extent,
                        extent_crs=extent_crs, oversampling=oversampling,
                        tile_size=tile_size or (DASK_TILE_SIZE if executor is not None else None),
                        workers=execution.threads_in_process, progress=SubProgress(sub, 0.1, 1.0),
                        is_cancelled=is_cancelled, executor=executor, warn=warn)
                    outcomes[i].update(result, status="written", warnings=list(result.get("warnings", ())))
                except Cancelled:
                    raise
                except Exception as exc:  # noqa: BLE001 - one broken scene must not stop the others
                    failed(i, exc)
                finally:
                    scratch[i].close(patience_s=2.0 if client is not None else 0.0)
        except BaseException:
            if client is not None:
                client.cancel(list(calibrations.values()))
            raise
        finally:
            for folder in scratch.values():       # beta0 of scenes calibrated (or being calibrated) but not corrected
                folder.close(patience_s=2.0 if client is not None else 0.0)

    if prepared:
        if client is not None:
            run(client)
        else:
            with open_client(execution) as opened:
                run(opened)
    if not any(o["status"] == "written" for o in outcomes):
        reasons = "; ".join(f"{o['product']}: {o['error']}" for o in outcomes)
        raise Palsar2Error(f"No product was written ({n} of {n} scenes failed): {reasons}")
    return outcomes
