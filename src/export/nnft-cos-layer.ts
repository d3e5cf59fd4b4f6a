/**
 * NnftCos: the elementwise cosine activation of exported cos-nets, as a TensorFlow.js custom layer.
 *
 * Cosine is not in tfjs's built-in activation list, so an exported model.json names the layer class
 * "NnftCos". Register it with the tfjs instance you load models with, before tf.loadLayersModel:
 *
 *   import * as tf from '@tensorflow/tfjs';
 *   import { registerNnftCos } from 'nnft';
 *   registerNnftCos(tf);
 *   const model = await tf.loadLayersModel(...);
 *
 * This module has no runtime imports (it receives the tfjs namespace), so it can be copied into any
 * project as is: the layer has no weights and no config beyond the base Layer's (name, trainable).
 * Its output is cos(input), same shape as the input.
 */

/** The part of the tfjs namespace the layer needs (structural, so any tfjs 4.x instance fits). */
export interface TfjsNamespace {
  readonly layers: { readonly Layer: new (config?: any) => any };
  readonly serialization: { registerClass(cls: any): void };
  cos(x: any): any;
  tidy<T>(fn: () => T): T;
}

export const NNFT_COS_CLASS_NAME = 'NnftCos';

const registered = new WeakMap<object, unknown>();

/**
 * Define (once per tfjs instance) and register the NnftCos layer class; returns the class.
 * Idempotent: calling it again with the same namespace returns the same class.
 */
export function registerNnftCos(tfjs: TfjsNamespace): new (config?: Record<string, unknown>) => any {
  const existing = registered.get(tfjs);
  if (existing) return existing as new (config?: Record<string, unknown>) => any;
  const Base = tfjs.layers.Layer;
  class NnftCos extends Base {
    static className = NNFT_COS_CLASS_NAME;
    constructor(config: Record<string, unknown> = {}) {
      super({ trainable: false, ...config });
    }
    computeOutputShape(inputShape: unknown): unknown {
      return inputShape;
    }
    call(inputs: unknown): unknown {
      return tfjs.tidy(() => tfjs.cos(Array.isArray(inputs) ? inputs[0] : inputs));
    }
    getConfig(): Record<string, unknown> {
      return { ...super.getConfig() };
    }
  }
  tfjs.serialization.registerClass(NnftCos);
  registered.set(tfjs, NnftCos);
  return NnftCos;
}
