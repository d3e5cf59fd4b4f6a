#!/usr/bin/env python3
"""The PyTorch peer: plain self-normalised importance sampling of a deformed d = 1 cos-net ensemble,
written the way a physicist would write it for the founding paper's phi^4 construction.

The network (nnft's cos-net with alpha = 0, src/architectures/cos-net.ts and alpha-momentum-density.ts):

    phi(x) = sum_i (sigma_a t_i / sqrt(N)) A cos(p_i x + c_i),   c_i ~ U(-pi, pi),

with momenta from the free Klein-Gordon propagator (mass m) on |p| < Lambda, a truncated Cauchy law
p = m tan(u arctan(Lambda/m)) with a random sign (Lambda = infinity: plain Cauchy), and the constant
amplitude A = sqrt(2 G(0)), G(0) = arctan(Lambda/m) / (pi m), so rho A^2 = 2 Delta and the two-point
function is the regulated free propagator at every width. Gaussian t by default (the founding
paper's construction); fixed |t| = 1 and nnft's Gamma-variance kurtosis law are there for designed
specs. Momenta are independent, or stratified (neuron i draws its quantile u inside [i/N, (i+1)/N)).

The density is deformed by exp(-sum_n (g_n/n!) int_V phi^n) (optionally Wick-ordered with respect to
G0), V = [-L/2, L/2], the integral on the composite Gauss-Legendre grid nnft uses
(src/densities/interaction-grid.ts: 16 nodes per panel, panels of width 1.2 * 16 / (n Lambda)), the
deformation seeing only neurons with |p| < modeCutoff when the spec sets one. Correlators of the
deformed ensemble come from plain self-normalised importance sampling over the undeformed ensemble:
G_c4(x,x,x,x) is the joint cumulant E_w[phi^4] - 3 E_w[phi^2]^2 (odd moments vanish by symmetry), its
error a delete-one-batch jackknife over contiguous batches. Field values are float32 (torch, a fixed
number of threads); the weights and moment sums are float64.

Default: the founding construction of scripts/bench/founding-phi4-1d.json (width 64, m = 1,
Lambda = 10, Gaussian amplitudes, lambda = 0.5 on [-2, 2], G_c4(0,0,0,0)). --spec reads an nnft spec
(d = 1 cos-net, alpha = 0, local terms) instead, so the peer estimates exactly the ensemble nnft does.

Prints one JSON object: networks, seconds (after imports), value, stderr, ess and the construction.
"""
import argparse
import json
import math
import time

import numpy as np
import torch

FOUNDING = {
    "width": 64,
    "mass": 1.0,
    "cutoff": 10.0,
    "law": "gaussian",
    "kurtosis": 3.0,
    "scale": 1.0,
    "sampling": "independent",
    "side": 4.0,
    "terms": [{"power": 4, "coupling": 0.5, "wick": None}],
    "grid": None,
    "resolved": None,
    "modeCutoff": None,
}


def construction_from_spec(path: str) -> dict:
    with open(path) as handle:
        spec = json.load(handle)
    arch = spec["architecture"]
    if spec["dimension"] != 1 or arch["kind"] != "cos-net":
        raise SystemExit("peer.py: only d = 1 cos-nets")
    if arch.get("alpha", 0) != 0 or arch.get("sharedScale"):
        raise SystemExit("peer.py: only alpha = 0 without a shared scale")
    sampling = arch.get("momentumSampling", "independent")
    if sampling not in ("independent", "stratified"):
        raise SystemExit(f"peer.py: momentum sampling {sampling} is not implemented")
    amplitude = arch.get("amplitude", {})
    deformation = spec.get("deformation")
    if not deformation:
        raise SystemExit("peer.py: the spec has no deformation")
    mass = float(arch["mass"])
    cutoff = arch.get("momentumCutoff")
    terms = []
    for term in deformation["terms"]:
        if term["kind"] != "local":
            raise SystemExit("peer.py: only local terms")
        wick = None
        if term.get("wickOrdered"):
            # nnft's default G0: the base ensemble's exact E[phi(0)^2].
            g0 = (math.atan(cutoff / mass) if cutoff is not None else math.pi / 2) / (math.pi * mass)
            wick = term.get("wickPropagatorAtZero", amplitude.get("scale", 1.0) ** 2 * g0)
        terms.append({"power": int(term["power"]), "coupling": float(term["coupling"]), "wick": wick})
    return {
        "width": int(arch["width"]),
        "mass": mass,
        "cutoff": None if cutoff is None else float(cutoff),
        "law": amplitude.get("law", "gaussian"),
        "kurtosis": float(amplitude.get("kurtosis", 3.0)),
        "scale": float(amplitude.get("scale", 1.0)),
        "sampling": sampling,
        "side": float(deformation["region"]["side"]),
        "terms": terms,
        "grid": deformation.get("grid"),
        "resolved": deformation.get("resolvedMomentum"),
        "modeCutoff": deformation.get("modeCutoff"),
    }


def standard_amplitudes(law: str, kurtosis: float, shape: tuple) -> torch.Tensor:
    """Zero mean, unit variance t of the amplitude law (amplitude-law.ts)."""
    if law == "gaussian":
        return torch.randn(shape)
    sign = torch.where(torch.rand(shape) < 0.5, -1.0, 1.0)
    if law == "fixed" or kurtosis == 1:
        return sign
    kappa = 1.0 / (kurtosis - 1.0)
    return sign * torch.sqrt(torch._standard_gamma(torch.full(shape, kappa)) / kappa)


def main() -> None:
    parser = argparse.ArgumentParser(description="PyTorch peer: plain importance sampling of a deformed d = 1 cos-net")
    parser.add_argument("--spec", help="nnft spec (d = 1 cos-net, alpha = 0, local terms); default: the founding construction")
    parser.add_argument("--point", type=float, default=0.0, help="x of G_c4(x,x,x,x)")
    parser.add_argument("--networks", type=int, default=200_000)
    parser.add_argument("--batches", type=int, default=32)
    parser.add_argument("--chunk", type=int, default=2000, help="most networks per step")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--separable", action="store_true", help="phi on the grid by angle addition over panel starts x panel nodes (nnft's trick) instead of one cos per neuron and grid point")
    args = parser.parse_args()
    net = construction_from_spec(args.spec) if args.spec else FOUNDING

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    start = time.perf_counter()
    dtype = torch.float32
    n, m, cutoff = net["width"], net["mass"], net["cutoff"]

    # Interaction grid: composite Gauss-Legendre at nnft's default resolution, or the spec's.
    if net["grid"]:
        panels, per_panel = int(net["grid"]["panels"]), int(net["grid"]["nodesPerPanel"])
    else:
        resolved = net["resolved"] or net["modeCutoff"] or cutoff
        if not resolved:
            raise SystemExit("peer.py: no momentum cutoff, grid or resolved momentum to size the grid")
        frequency = max([2] + [t["power"] for t in net["terms"]]) * resolved
        per_panel = 16
        panels = max(1, math.ceil(net["side"] / (2 * 0.6 * per_panel / frequency)))
    nodes, weights = np.polynomial.legendre.leggauss(per_panel)
    width = net["side"] / panels
    starts = torch.tensor(-net["side"] / 2 + width * np.arange(panels), dtype=dtype)
    local = torch.tensor(0.5 * width * (nodes + 1), dtype=dtype)
    grid_x = (starts[:, None] + local[None, :]).reshape(-1)
    grid_w = torch.tensor(np.concatenate([0.5 * width * weights] * panels), dtype=dtype)
    grid_size = grid_x.numel()

    theta_max = math.atan(cutoff / m) if cutoff is not None else math.pi / 2
    g0 = theta_max / (math.pi * m)
    amplitude = net["scale"] * math.sqrt(2 * g0 / n)
    # Bound the [chunk, N, grid] cosine tensor (separable: the [chunk, N, panels + nodes] tables and the
    # [chunk, grid] field) to 16 Mi floats.
    per_network = max(2 * n * (panels + per_panel), grid_size) if args.separable else n * grid_size
    chunk = max(1, min(args.chunk, (16 << 20) // per_network))
    neuron = torch.arange(n, dtype=dtype)

    log_weights = torch.empty(args.networks, dtype=torch.float64)
    phi_point = torch.empty(args.networks, dtype=torch.float64)
    with torch.no_grad():
        for first in range(0, args.networks, chunk):
            count = min(chunk, args.networks - first)
            u = torch.rand(count, n, dtype=dtype)
            if net["sampling"] == "stratified":
                u = (neuron + u) / n
            sign = torch.where(torch.rand(count, n) < 0.5, -1.0, 1.0)
            p = sign * m * torch.tan(u * theta_max)
            c = math.pi * (2 * torch.rand(count, n, dtype=dtype) - 1)
            a = amplitude * standard_amplitudes(net["law"], net["kurtosis"], (count, n))
            seen = a if net["modeCutoff"] is None else torch.where(p.abs() < net["modeCutoff"], a, 0.0)
            # phi on the grid, [count, grid]: sum over neurons of a cos(p x + c).
            if args.separable:
                # cos(p (s + v) + c) = cos(p s + c) cos(p v) - sin(p s + c) sin(p v): trig on panels + nodes only.
                outer = p[:, :, None] * starts + c[:, :, None]
                inner = p[:, :, None] * local
                field = (torch.bmm((seen[:, :, None] * torch.cos(outer)).transpose(1, 2), torch.cos(inner))
                         - torch.bmm((seen[:, :, None] * torch.sin(outer)).transpose(1, 2), torch.sin(inner))).reshape(count, -1)
            else:
                field = torch.einsum("mn,mng->mg", seen, torch.cos(p[:, :, None] * grid_x + c[:, :, None]))
            action = torch.zeros(count, dtype=dtype)
            for term in net["terms"]:
                if term["wick"] is None:
                    power = field ** term["power"]
                else:
                    previous, power = torch.ones_like(field), field
                    for k in range(1, term["power"]):
                        previous, power = power, field * power - k * term["wick"] * previous
                action += term["coupling"] / math.factorial(term["power"]) * (power @ grid_w)
            log_weights[first : first + count] = -action.double()
            phi_point[first : first + count] = (a * torch.cos(p * args.point + c)).sum(1).double()

    # Self-normalised weights relative to the largest log-weight; sums per contiguous batch.
    w = torch.exp(log_weights - log_weights.max())
    phi2 = phi_point**2
    edges = np.linspace(0, args.networks, args.batches + 1).astype(int)
    sums = np.array([[float(w[lo:hi].sum()), float((w[lo:hi] * phi2[lo:hi]).sum()), float((w[lo:hi] * phi2[lo:hi] ** 2).sum())] for lo, hi in zip(edges[:-1], edges[1:])])

    def cumulant(total: np.ndarray) -> float:
        m2, m4 = total[1] / total[0], total[2] / total[0]
        return m4 - 3 * m2 * m2

    total = sums.sum(0)
    value = cumulant(total)
    replicates = np.array([cumulant(total - sums[b]) for b in range(args.batches)])
    b = args.batches
    stderr = math.sqrt((b - 1) / b * float(((replicates - replicates.mean()) ** 2).sum()))
    ess = float(w.sum() ** 2 / (w**2).sum())
    seconds = time.perf_counter() - start
    print(json.dumps({
        "networks": args.networks,
        "seconds": seconds,
        "value": value,
        "stderr": stderr,
        "ess": ess,
        "estimand": f"G_c4({args.point},{args.point},{args.point},{args.point})",
        "construction": {**net, "grid": {"panels": panels, "nodesPerPanel": per_panel}},
        "batches": args.batches,
        "threads": torch.get_num_threads(),
        "separable": args.separable,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
