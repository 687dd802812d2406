namespace RnnEngine.Engine;

/// <summary>What `rnnengine devices` prints about one backend.</summary>
public sealed record DeviceInfo(string Name, string Description, long MemoryBytes, int Cores, int SimdWidthBits)
{
    public override string ToString()
    {
        string mem = MemoryBytes > 0 ? $"{MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB" : "n/a";
        string simd = SimdWidthBits > 0 ? $", SIMD {SimdWidthBits}-bit" : "";
        return $"{Name,-10} {Description}; memory {mem}; {Cores} cores{simd}";
    }
}
