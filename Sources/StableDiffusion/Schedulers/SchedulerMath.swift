import Tensors

// Element-wise scheduler arithmetic on small latents, one float32 rounding per operation in the
// order diffusers' torch expressions evaluate them (Swift never fuses a multiply and an add).
extension Tensor {
    func elementwise(_ op: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { x in Tensor(shape: shape) { y in for i in y.indices { y[i] = op(x[i]) } } }
    }

    func elementwise(_ other: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        precondition(other.shape == shape, "scheduler tensors \(shape) and \(other.shape) differ in shape")
        return withUnsafeBufferPointer { x in
            other.withUnsafeBufferPointer { z in Tensor(shape: shape) { y in for i in y.indices { y[i] = op(x[i], z[i]) } } }
        }
    }

    func elementwise(_ b: Tensor, _ c: Tensor, _ op: (Float, Float, Float) -> Float) -> Tensor {
        precondition(b.shape == shape && c.shape == shape, "scheduler tensors \(shape), \(b.shape), \(c.shape) differ in shape")
        return withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { u in
                c.withUnsafeBufferPointer { v in Tensor(shape: shape) { y in for i in y.indices { y[i] = op(x[i], u[i], v[i]) } } }
            }
        }
    }
}

extension SchedulerConfig {
    /// Throws unless the boolean option `key` is absent or `false`: one we do not implement.
    func requireFalse(_ key: String) throws(ConfigError) {
        if try json.bool(key, default: false) {
            throw .unsupported(path: path, key: key, value: "true", supported: "false")
        }
    }

    /// Throws unless the option `key` is absent or `null`: one we do not implement.
    func requireNull(_ key: String) throws(ConfigError) {
        if let value = json.raw(key) {
            throw .unsupported(path: path, key: key, value: "\(value)", supported: "null")
        }
    }

    /// Throws unless the string option `key` is absent or one of `supported`.
    func requireString(_ key: String, in supported: [String], default fallback: String) throws(ConfigError) -> String {
        let value = try json.string(key, default: fallback)
        guard supported.contains(value) else {
            throw .unsupported(path: path, key: key, value: value, supported: supported.joined(separator: ", "))
        }
        return value
    }

    /// Throws when the class rejects `prediction_type` `sample`, as PNDM and Euler ancestral do.
    func rejectSamplePrediction(_ schedule: NoiseSchedule) throws(ConfigError) {
        if schedule.predictionType == .sample {
            throw .unsupported(path: path, key: "prediction_type", value: "sample", supported: "epsilon, v_prediction")
        }
    }
}
