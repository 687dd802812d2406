using System.CommandLine;
using RnnEngine.Engine;

namespace RnnEngine.Cli.Commands;

/// <summary>`rnnengine devices`: one line per backend that works here, and why cuda does not when it does not.</summary>
public static class DevicesCommand
{
    public static Command Build(TextWriter stdout)
    {
        var c = new Command("devices", "list the compute backends that work here (and why cuda does not, when it does not)");
        c.SetAction(_ => Run(stdout));
        return c;
    }

    private static int Run(TextWriter stdout)
    {
        foreach (string name in Devices.Available())
        {
            using var backend = Devices.Create(name);
            stdout.WriteLine(backend.Info);
        }
        if (!Devices.CudaAvailable) stdout.WriteLine($"{"cuda",-10} unavailable: {Devices.CudaUnavailableReason}");
        stdout.WriteLine($"default (auto): {(Devices.CudaAvailable ? "cuda" : "cpu")}");
        return 0;
    }
}
