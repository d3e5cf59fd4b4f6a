/** Backend self-check: the selection record plus a measured matmul throughput. */
import { availableParallelism } from 'node:os';
import { initBackend, tf, type BackendInfo, type BackendRequest } from './backend.js';

export interface DoctorReport {
  backend: BackendInfo;
  matmul: { size: number; repeats: number; secondsPerMatmul: number; gflops: number };
  cpuCount: number;
}

export async function measureMatmul(size = 512, repeats = 5): Promise<DoctorReport['matmul']> {
  const a = tf.randomNormal([size, size], 0, 1, 'float32', 17);
  const b = tf.randomNormal([size, size], 0, 1, 'float32', 29);
  // Warm-up (kernel compilation on GPU backends), then time.
  const warm = tf.matMul(a, b);
  await warm.data();
  warm.dispose();
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    const product = tf.matMul(a, b);
    await product.data();
    product.dispose();
  }
  const seconds = (performance.now() - start) / 1000 / repeats;
  a.dispose();
  b.dispose();
  return { size, repeats, secondsPerMatmul: seconds, gflops: (2 * size ** 3) / seconds / 1e9 };
}

export async function runDoctor(request: BackendRequest = 'auto'): Promise<DoctorReport> {
  const backend = await initBackend(request);
  const matmul = await measureMatmul();
  return { backend, matmul, cpuCount: availableParallelism() };
}
