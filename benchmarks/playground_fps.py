"""Frames per second of the playground's train mode: 2-8-8-1 on moons (200 points), in Chromium.

The page trains and draws in requestAnimationFrame: each frame runs 5 epochs
(the page's default) over the 160 training rows, then draws the decision
boundary (50 × 50 predictions), the loss curves and the gradient norms.
Goal (issue 20): at least 30 frames/s on a mid-range phone, here a phone's
screen (390 × 844) with the CPU slowed 4× by Chromium's own throttling (what
Lighthouse takes for a mid-range phone), and without throttling.

Two figures, because frames/s depends on what else the machine runs: the
frames counted while the page trains, and the page's own work per frame
(5 epochs, the boundary, two charts), timed in the page, against the 33 ms
of a frame at 30 frames/s.

    python benchmarks/playground_fps.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.output.playground import write_playground

WORK_PER_FRAME = """() => {
    const data = JSON.parse(document.getElementById("playground-data").textContent);
    const rows = data.datasets.moons["0"];
    const network = new BackpropNetwork.Network(BackpropApp.network, data.registry);
    const trainer = new BackpropNetwork.Trainer(network, rows, {eta: 0.5, epochs: 1e6, batchSize: null});
    const started = performance.now();
    for (let frame = 0; frame < 40; frame++) {
        for (let epoch = 0; epoch < 5; epoch++) trainer.next();
        BackpropDrawing.boundary(document.getElementById("boundary"), grid => network.predict(grid),
                                 rows, BackpropData.box(rows));
        BackpropDrawing.curves(document.getElementById("loss-chart"), [{values: trainer.loss, colour: "red"},
                               {values: trainer.valLoss, colour: "blue"}], 200);
        BackpropDrawing.curves(document.getElementById("norm-chart"), [0, 1, 2].map(l =>
            ({values: trainer.gradientNorms.map(n => n[l]), colour: "red"})), 200);
    }
    return (performance.now() - started) / 40;
}"""

COUNT_FRAMES = """seconds => new Promise(done => {
    let frames = 0, start = performance.now();
    function tick(now) {
        frames++;
        if (now - start < seconds * 1000) requestAnimationFrame(tick);
        else done({frames, seconds: (now - start) / 1000});
    }
    requestAnimationFrame(tick);
})"""


def measure(browser, folder: Path, throttle: float, seconds: float) -> tuple[float, int, float]:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((folder / "index.html").as_uri())
    page.click("#mode-train")
    for field, value in (("#hidden-layers", "2"), ("#hidden-units", "8"), ("#epochs", "1000000")):
        page.fill(field, value)
        page.dispatch_event(field, "change")
    page.select_option("#hidden-activation", "tanh")
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    work = page.evaluate(WORK_PER_FRAME)
    page.click("#run")
    counted = page.evaluate(COUNT_FRAMES, seconds)
    status = page.inner_text("#train-status")
    page.close()
    return counted["frames"] / counted["seconds"], int(status.split()[1]), work


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        folder = Path(work)
        write_playground(load_network(DEFAULT_NETWORK), folder)
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             headless=True, args=["--no-sandbox"])
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for throttle in (1, 4):
            fps, epochs, work = measure(browser, folder, throttle, args.seconds)
            print(f"CPU slowed {throttle}x: {fps:.1f} frames/s (goal >= 30), {epochs} epochs in "
                  f"{args.seconds:g} s; the page's work per frame {work:.1f} ms (of 33 ms)")
        browser.close()


if __name__ == "__main__":
    main()
