/**
 * The only module that loads @tensorflow/*. It picks a backend at run time and records, for every
 * candidate it tried, what happened and why, so no output ever claims a GPU that did not run.
 *
 * Order for `auto`: tensorflow (@tensorflow/tfjs-node-gpu, optional dependency, dynamic import)
 * -> webgpu (the `webgpu` package, Dawn; hardware adapters only) -> wasm -> cpu.
 *
 * Environment variables read here (and nowhere else): NNFT_BACKEND (default for `auto`),
 * CUDA_VISIBLE_DEVICES and TF_FORCE_GPU_ALLOW_GROWTH (reported; they steer libtensorflow).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { NnftError } from '../errors.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendRequest = 'auto' | BackendName;
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason: string;
}

export interface BackendInfo {
  /** The backend that is active. */
  name: BackendName;
  /** What was asked for. */
  requested: BackendRequest;
  /** True only when the active backend computes on a GPU we verified. */
  gpu: boolean;
  /** Human-readable description of the device (adapter name, "host CPU (single thread)", ...). */
  device: string;
  attempts: BackendAttempt[];
  versions: Record<string, string>;
  environment: Record<string, string | null>;
}

let active: BackendInfo | null = null;

// Production mode: tfjs skips its debug-time checks and stops printing its own console banners
// (the library never prints; everything goes through events and the CLI).
tf.enableProdMode();

/** Dawn prints a loader warning straight to stderr when it cannot find Vulkan; look first. */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  const directories = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/lib/x86_64-linux-gnu',
    '/lib64',
    '/usr/local/lib',
  ];
  return directories.some((directory) => existsSync(`${directory}/libvulkan.so.1`));
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    const first = error.message.split('\n')[0] ?? '';
    return code ? `${code}: ${first}` : first;
  }
  return String(error);
}

async function tryTensorflow(): Promise<{ ok: true; device: string; gpu: boolean } | { ok: false; reason: string }> {
  const moduleName = '@tensorflow/tfjs-node-gpu';
  try {
    await import(/* @vite-ignore */ moduleName);
  } catch (error) {
    const text = message(error);
    if (text.includes('ERR_MODULE_NOT_FOUND') || text.includes('Cannot find')) {
      return {
        ok: false,
        reason:
          '@tensorflow/tfjs-node-gpu is not installed (optional dependency; its installer downloads libtensorflow 2.9.1 for CUDA 11.2, which this machine cannot reach)',
      };
    }
    return { ok: false, reason: `@tensorflow/tfjs-node-gpu failed to load: ${text}` };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: 'tensorflow backend did not initialise' };
    await tf.ready();
    // libtensorflow falls back to the host CPU silently when CUDA is unusable; we cannot see the
    // placement from tfjs, so only claim a GPU when CUDA devices are visible to the process.
    const visible = process.env.CUDA_VISIBLE_DEVICES;
    const gpu = visible !== undefined ? visible.trim() !== '' && visible.trim() !== '-1' : true;
    return { ok: true, device: gpu ? 'libtensorflow (CUDA, GPU placement not verified by tfjs)' : 'libtensorflow on host CPU', gpu };
  } catch (error) {
    return { ok: false, reason: `tensorflow backend failed: ${message(error)}` };
  }
}

async function tryWebgpu(): Promise<{ ok: true; device: string; gpu: boolean } | { ok: false; reason: string }> {
  if (!vulkanLoaderPresent()) {
    return { ok: false, reason: 'no Vulkan loader (libvulkan.so.1) on this machine, so Dawn can reach no GPU adapter' };
  }
  let webgpu: { create: (flags: string[]) => GPULike; globals: Record<string, unknown> };
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu;
  } catch (error) {
    return { ok: false, reason: `the webgpu package is not installed or failed to load: ${message(error)}` };
  }
  let gpu: GPULike;
  let adapter: AdapterLike | null;
  try {
    gpu = webgpu.create([]);
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ok: false, reason: `Dawn could not enumerate adapters: ${message(error)}` };
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter (Dawn found no Vulkan driver or GPU on this machine)' };
  const info = adapter.info ?? {};
  const label = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  if (adapter.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe/i.test(label)) {
    return { ok: false, reason: `only a software adapter is available (${label}); WebGPU is used on hardware adapters only` };
  }
  try {
    Object.assign(globalThis, webgpu.globals);
    const nav = (globalThis as { navigator?: Record<string, unknown> }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'tfjs webgpu backend did not initialise' };
    await tf.ready();
    return { ok: true, device: `WebGPU adapter: ${label}`, gpu: true };
  } catch (error) {
    return { ok: false, reason: `tfjs webgpu backend failed: ${message(error)}` };
  }
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}
interface GPULike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}

async function tryWasm(): Promise<{ ok: true; device: string; gpu: boolean } | { ok: false; reason: string }> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'wasm backend did not initialise' };
    await tf.ready();
    return { ok: true, device: 'host CPU, WebAssembly SIMD (single thread per process; nnft shards over worker_threads)', gpu: false };
  } catch (error) {
    return { ok: false, reason: `wasm backend failed: ${message(error)}` };
  }
}

async function tryCpu(): Promise<{ ok: true; device: string; gpu: boolean } | { ok: false; reason: string }> {
  try {
    if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'cpu backend did not initialise' };
    await tf.ready();
    return { ok: true, device: 'host CPU, plain JavaScript (slow reference backend)', gpu: false };
  } catch (error) {
    return { ok: false, reason: `cpu backend failed: ${message(error)}` };
  }
}

const TRIERS: Record<BackendName, () => ReturnType<typeof tryCpu>> = {
  tensorflow: tryTensorflow,
  webgpu: tryWebgpu,
  wasm: tryWasm,
  cpu: tryCpu,
};
const AUTO_ORDER: BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

function readVersions(): Record<string, string> {
  return { node: process.versions.node, tfjs: tf.version.tfjs ?? 'unknown', 'tfjs-core': tf.version_core };
}

export function backendEnvironment(): Record<string, string | null> {
  return {
    NNFT_BACKEND: process.env.NNFT_BACKEND ?? null,
    CUDA_VISIBLE_DEVICES: process.env.CUDA_VISIBLE_DEVICES ?? null,
    TF_FORCE_GPU_ALLOW_GROWTH: process.env.TF_FORCE_GPU_ALLOW_GROWTH ?? null,
  };
}

/**
 * Select and initialise a backend. `auto` walks the preference order and records every attempt;
 * an explicit name tries only that backend and fails with E_BACKEND if it cannot start.
 * Calling again with the same request returns the recorded choice.
 */
export async function initBackend(request: BackendRequest = 'auto'): Promise<BackendInfo> {
  let effective = request;
  if (request === 'auto' && process.env.NNFT_BACKEND) {
    const fromEnv = process.env.NNFT_BACKEND as BackendRequest;
    if (!BACKEND_REQUESTS.includes(fromEnv)) {
      throw new NnftError('E_BACKEND', `NNFT_BACKEND=${process.env.NNFT_BACKEND} is not a backend`, {
        hint: `use one of ${BACKEND_REQUESTS.join(', ')}`,
      });
    }
    effective = fromEnv;
  }
  if (active && (active.requested === effective || active.name === effective)) return active;

  const candidates = effective === 'auto' ? AUTO_ORDER : [effective];
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    const outcome = await TRIERS[candidate]();
    if (outcome.ok) {
      attempts.push({ backend: candidate, ok: true, reason: effective === 'auto' ? 'first backend in the preference order that started' : 'requested explicitly' });
      active = {
        name: candidate,
        requested: effective,
        gpu: outcome.gpu,
        device: outcome.device,
        attempts,
        versions: readVersions(),
        environment: backendEnvironment(),
      };
      return active;
    }
    attempts.push({ backend: candidate, ok: false, reason: outcome.reason });
  }
  throw new NnftError('E_BACKEND', `backend ${effective} could not be started`, {
    hint: attempts.map((a) => `${a.backend}: ${a.reason}`).join('; '),
  });
}

/** The backend chosen so far, or null before initBackend. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/** The tfjs namespace: every other module gets tf from here, never by importing @tensorflow/*. */
export { tf };
