import ArgumentParser
import StableDiffusion

extension PublishedArchitecture: ExpressibleByArgument {}
