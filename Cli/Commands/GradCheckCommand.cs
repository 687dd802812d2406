using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RnnEngine.Engine;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Verification;

namespace RnnEngine.Cli.Commands;

/// <summary>`rnnengine gradcheck`: every finite-difference check on every available device (or the one named).</summary>
public static class GradCheckCommand
{
    public static IReadOnlyList<GradCheck> AllChecks() => [.. GradCheckCatalog.Engine(), .. ModelGradCheckCatalog.Models()];

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var device = Opt.Choice("--device", "all", "backend to check (all: every backend that works here)", "all", "cpu", "ilgpu-cpu", "cuda");
        var json = Opt.Flag("--json", "one JSON object per check instead of a table row");
        var only = Opt.Text("--only", "NAME", "only the check NAME (or those named NAME-...)");
        var c = new Command("gradcheck", "central finite-difference checks of every op, layer and model gradient; exit 1 when one fails")
        {
            device, json, only,
        };
        c.SetAction(p => Run(p.GetValue(device)!, p.GetValue(json), p.GetValue(only), stdout, stderr));
        return c;
    }

    private static int Run(string device, bool json, string? only, TextWriter stdout, TextWriter stderr)
    {

        IReadOnlyList<string> devices = device == "all" ? Devices.Available() : [device];
        var checks = AllChecks().Where(c => only is null || c.Name == only || c.Name.StartsWith(only + "-", StringComparison.Ordinal)).ToList();
        if (checks.Count == 0) throw new UsageException($"no gradcheck named '{only}'");

        int failures = 0;
        foreach (string name in devices)
        {
            using var backend = Devices.Create(name);
            foreach (var check in checks)
            {
                var r = check.Run(backend);
                if (!r.Pass) failures++;
                stdout.WriteLine(json ? ToJson(r) : ToLine(r));
                stdout.Flush();
            }
        }
        stderr.WriteLine(failures == 0 ? $"gradcheck: all {checks.Count * devices.Count} checks PASS" : $"gradcheck: {failures} FAIL");
        return failures == 0 ? 0 : 1;
    }

    private static string ToLine(GradCheckResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Name,-22} {r.Device,-10} max_abs {r.MaxAbs,10:E2}  max_rel {r.MaxRel,10:E2}  {(r.Pass ? "PASS" : "FAIL")}{(r.Pass ? "" : "  " + r.Detail)}");

    private static string ToJson(GradCheckResult r) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["name"] = r.Name, ["device"] = r.Device, ["max_abs"] = Finite(r.MaxAbs), ["max_rel"] = Finite(r.MaxRel),
        ["pass"] = r.Pass, ["seconds"] = Math.Round(r.Seconds, 4), ["detail"] = r.Detail,
    });

    // JSON has no infinity; a failed check with a missing gradient reports a huge finite number instead.
    private static double Finite(double v) => double.IsFinite(v) ? v : double.MaxValue;
}
