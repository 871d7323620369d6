import Tensors

/// diffusers' `LMSDiscreteScheduler` (k-diffusion's linear multistep method, order 4).
public struct LMSDiscreteScheduler: Scheduler {
    let schedule: SigmaSchedule
    /// The most recent derivatives, oldest first, at most `order`.
    var derivatives: [Tensor] = []
    /// `step`'s `order` argument at its default.
    let order = 4

    public var timesteps: [Float] { schedule.timesteps }
    public var initNoiseSigma: Float { schedule.initNoiseSigma }

    public init(config: SchedulerConfig, steps: Int) throws(ConfigError) {
        schedule = try SigmaSchedule(config, steps: steps)
    }

    public func addNoise(_ original: Tensor, noise: Tensor, step: Int) -> Tensor {
        SigmaSchedule.addNoise(original, noise: noise, sigma: schedule.sigmas[step])
    }

    public func scaleModelInput(_ sample: Tensor, step: Int) -> Tensor {
        SigmaSchedule.scale(sample, sigma: schedule.sigmas[step])
    }

    public mutating func step(modelOutput: Tensor, step: Int, sample: Tensor, noise: (_ shape: [Int]) -> Tensor) -> Tensor {
        let sigma = schedule.sigmas[step]
        let original = schedule.originalSample(modelOutput, sample, sigma: sigma)
        derivatives.append(sample.elementwise(original) { s, x in (s - x) / sigma })
        if derivatives.count > order { derivatives.removeFirst() }
        let currentOrder = min(step + 1, order)
        // `sample + sum(coeff * derivative ...)`, newest derivative first, each coefficient
        // rounded to float32 by torch.
        let coefficients = (0..<currentOrder).map { Float(coefficient(order: currentOrder, step: step, current: $0)) }
        var total: Tensor?
        for (coefficient, derivative) in zip(coefficients, derivatives.reversed()) {
            let term = derivative.elementwise { coefficient * $0 }
            total = total.map { $0.elementwise(term, +) } ?? term
        }
        return sample.elementwise(total!, +)
    }

    /// `get_lms_coefficient`: the integral from `sigmas[step]` to `sigmas[step + 1]` of the
    /// Lagrange basis polynomial for node `step - current` over nodes `step - k`, k < order.
    /// diffusers integrates with `scipy.integrate.quad`, whose first 21-point Gauss–Kronrod
    /// estimate is exact for this polynomial and always accepted; the integrand is evaluated as
    /// diffusers does, in float32 torch arithmetic on the float32 sigmas.
    func coefficient(order: Int, step: Int, current: Int) -> Double {
        let sigmas = schedule.sigmas
        func basis(_ tau: Double) -> Double {
            let t = Float(tau)
            var product: Float?
            for k in 0..<order where k != current {
                let factor = (t - sigmas[step - k]) / (sigmas[step - current] - sigmas[step - k])
                product = product.map { $0 * factor } ?? factor
            }
            return Double(product ?? 1)
        }
        return GaussKronrod21.integrate(basis, from: Double(sigmas[step]), to: Double(sigmas[step + 1]))
    }
}

/// QUADPACK's `dqk21` Kronrod estimate, summed in its order.
enum GaussKronrod21 {
    /// Abscissae; the odd (1-based even) entries are the 10-point Gauss nodes.
    static let nodes: [Double] = [
        0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
        0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
        0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
        0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
        0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
        0,
    ]
    static let weights: [Double] = [
        0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
        0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
        0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
        0.123491976262065851077958109831074, 0.134709217311473325928054001771707,
        0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
        0.149445554002916905664936468389821,
    ]

    static func integrate(_ f: (Double) -> Double, from a: Double, to b: Double) -> Double {
        let center = 0.5 * (a + b), halfLength = 0.5 * (b - a)
        var result = weights[10] * f(center)
        for j in stride(from: 1, through: 9, by: 2) {  // Gauss nodes first, as dqk21 sums them
            let x = halfLength * nodes[j]
            result += weights[j] * (f(center - x) + f(center + x))
        }
        for j in stride(from: 0, through: 8, by: 2) {
            let x = halfLength * nodes[j]
            result += weights[j] * (f(center - x) + f(center + x))
        }
        return result * halfLength
    }
}
