// Registering a tfjs kernel written with tfjs ops (for the wasm backend's missing or wrong kernels).
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;

/**
 * Register `body` as kernel `name` on `backendName`, replacing a registered one. The body gets the inputs as
 * Tensors that borrow the inputs' data: each wrapper takes a backend reference of its own (makeTensorFromTensorInfo
 * alone does not), so freeing it after the kernel leaves the caller's tensors, which autograd still holds, intact.
 * The returned Tensor is used as the op's output as is (tfjs engine contract); the tidy frees intermediates.
 */
export function registerOpsKernel(
  tf: Tf,
  name: string,
  backendName: string,
  body: (inputs: Record<string, tfTypes.Tensor>, attrs: tfTypes.NamedAttrMap) => tfTypes.Tensor,
): void {
  if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
  tf.registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const engine = tf.engine();
      const b = backend as tfTypes.KernelBackend & { incRef(dataId: tfTypes.DataId): void };
      return tf.tidy(() => {
        const borrowed: Record<string, tfTypes.Tensor> = {};
        for (const [k, info] of Object.entries(inputs as tfTypes.NamedTensorInfoMap)) {
          if (!info) continue;
          b.incRef(info.dataId);
          borrowed[k] = engine.makeTensorFromTensorInfo(info, b);
        }
        return body(borrowed, attrs ?? {});
      });
    },
  });
}
