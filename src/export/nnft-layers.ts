/**
 * The custom TensorFlow.js layers of exported networks: elementwise activations that are not in
 * tfjs's built-in activation list.
 *
 *   NnftCos: cos(x)   (cos-nets)
 *   NnftErf: erf(x)   (Erf-nets)
 *   NnftExp: exp(x)   (Gauss-nets)
 *
 * ReLU-nets need none (Dense with the built-in 'relu' activation). An exported model.json names the
 * classes it uses in userDefinedMetadata.nnft.customLayers; register them with the tfjs instance you
 * load models with, before tf.loadLayersModel:
 *
 *   import * as tf from '@tensorflow/tfjs';
 *   import { registerNnftLayers } from 'nnft/layers';   // the package export of this module (docs/export.md); also in 'nnft'
 *   registerNnftLayers(tf);
 *   const model = await tf.loadLayersModel(...);
 *
 * This module has no runtime imports (it receives the tfjs namespace), so it can be copied into any
 * project as is: the layers have no weights and no config beyond the base Layer's (name, trainable).
 * Each layer's output has the shape of its input.
 */

/** The part of the tfjs namespace the layers need (structural, so any tfjs 4.x instance fits). */
export interface TfjsNamespace {
  readonly layers: { readonly Layer: new (config?: any) => any };
  readonly serialization: { registerClass(cls: any): void };
  cos(x: any): any;
  erf(x: any): any;
  exp(x: any): any;
  tidy<T>(fn: () => T): T;
}

export type NnftLayerClass = new (config?: Record<string, unknown>) => any;

export const NNFT_COS_CLASS_NAME = 'NnftCos';
export const NNFT_ERF_CLASS_NAME = 'NnftErf';
export const NNFT_EXP_CLASS_NAME = 'NnftExp';

export interface NnftLayers {
  readonly NnftCos: NnftLayerClass;
  readonly NnftErf: NnftLayerClass;
  readonly NnftExp: NnftLayerClass;
}

const registered = new WeakMap<object, NnftLayers>();

function elementwiseLayer(tfjs: TfjsNamespace, className: string, apply: (x: any) => any): NnftLayerClass {
  const Base = tfjs.layers.Layer;
  class NnftElementwise extends Base {
    static className = className;
    constructor(config: Record<string, unknown> = {}) {
      super({ trainable: false, ...config });
    }
    computeOutputShape(inputShape: unknown): unknown {
      return inputShape;
    }
    call(inputs: unknown): unknown {
      return tfjs.tidy(() => apply(Array.isArray(inputs) ? inputs[0] : inputs));
    }
    getConfig(): Record<string, unknown> {
      return { ...super.getConfig() };
    }
  }
  // tfjs serialises a layer by its constructor's static className; each class needs its own.
  Object.defineProperty(NnftElementwise, 'name', { value: className });
  tfjs.serialization.registerClass(NnftElementwise);
  return NnftElementwise;
}

/**
 * Define (once per tfjs instance) and register NnftCos, NnftErf and NnftExp; returns the classes.
 * Idempotent: calling it again with the same namespace returns the same classes.
 */
export function registerNnftLayers(tfjs: TfjsNamespace): NnftLayers {
  const existing = registered.get(tfjs);
  if (existing) return existing;
  const layers: NnftLayers = {
    NnftCos: elementwiseLayer(tfjs, NNFT_COS_CLASS_NAME, (x) => tfjs.cos(x)),
    NnftErf: elementwiseLayer(tfjs, NNFT_ERF_CLASS_NAME, (x) => tfjs.erf(x)),
    NnftExp: elementwiseLayer(tfjs, NNFT_EXP_CLASS_NAME, (x) => tfjs.exp(x)),
  };
  registered.set(tfjs, layers);
  return layers;
}

/** Register the layers and return NnftCos (what cos-net models need; kept for existing callers). */
export function registerNnftCos(tfjs: TfjsNamespace): NnftLayerClass {
  return registerNnftLayers(tfjs).NnftCos;
}
