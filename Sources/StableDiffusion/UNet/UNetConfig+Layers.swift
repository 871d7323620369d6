/// The UNet's ResNet and transformer blocks all take their sizes from the config the same way.
extension UNetConfig {
    func resnet(_ p: Parameters, in inputs: Int, out outputs: Int) throws(WeightsError) -> ResnetBlock2D {
        try ResnetBlock2D(p, in: inputs, out: outputs, timeEmbedding: timeEmbeddingDim, groups: normGroups, eps: normEps)
    }

    /// The `Transformer2DModel` of down block `level` (and of the up block mirroring it).
    func transformer(_ p: Parameters, level: Int) throws(WeightsError) -> Transformer2DModel {
        try Transformer2DModel(p, channels: blockOutChannels[level], heads: heads[level], contextWidth: crossAttentionDim[level],
                               layers: transformerLayersPerBlock[level], groups: normGroups)
    }
}
