using System.Diagnostics;
using System.Text;

namespace Matching.Tests.Api;

/// <summary>
/// The document is a contract a generator turns into good code: Kiota (the repository's tool manifest,
/// .config/dotnet-tools.json) generates a C# client from it, the client builds with warnings as errors, and the
/// newcomer → suggestions → match lifecycle runs through it against the real host on a loopback port.
/// Fails (never skips) when the tool or the client's packages cannot be restored.
/// </summary>
[NonParallelizable]
public class KiotaClientTests
{
    private const string KiotaRuntime = "2.1.6";

    [Test]
    public async Task GeneratedClient_BuildsWithoutWarnings_AndRunsTheMatchLifecycle()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("matching-kiota-");
        var database = Path.Combine(work.FullName, "matching.db");
        try
        {
            using var api = await ApiProcess.StartAsync(database);
            var baseUrl = api.BaseAddress.ToString().TrimEnd('/');

            // The document as a deployment with Api:PublicBaseUrl serves it: servers names the absolute URL.
            using (var factory = new ApiFactory(settings: new Dictionary<string, string?> { ["Api:PublicBaseUrl"] = baseUrl }))
            using (var anonymous = factory.Client(null))
            {
                var document = await anonymous.GetStringAsync("/swagger/v1/swagger.json");
                document.Should().Contain($"\"url\": \"{baseUrl}\"");
                await File.WriteAllTextAsync(Path.Combine(work.FullName, "openapi.json"), document);
            }

            Run(root, "dotnet", "tool restore");
            var generated = Run(root, "dotnet", $"tool run kiota generate -l CSharp -d \"{Path.Combine(work.FullName, "openapi.json")}\" -o \"{Path.Combine(work.FullName, "client")}\" -n Matching.Client -c MatchingClient --exclude-backward-compatible --clean-output");
            generated.Should().NotContain("OpenAPI warning", "the document gives Kiota nothing to warn about");

            File.Copy(Path.Combine(root, "Matching.Tests", "Api", "Kiota", "Lifecycle.cs.txt"), Path.Combine(work.FullName, "Program.cs"));
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "Lifecycle.csproj"), Project());
            var build = Run(work.FullName, "dotnet", "build -c Release -warnaserror -nologo");
            build.Should().Contain("0 Warning(s)");

            var lifecycle = Run(work.FullName, "dotnet", $"run -c Release --no-build -- {ApiProcess.AdminKey}");
            lifecycle.Should().Contain("kiota-offer Proposed -> Accepted -> Accepted");
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Project() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Exe</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.Kiota.Abstractions" Version="{KiotaRuntime}" />
            <PackageReference Include="Microsoft.Kiota.Http.HttpClientLibrary" Version="{KiotaRuntime}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Json" Version="{KiotaRuntime}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Text" Version="{KiotaRuntime}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Form" Version="{KiotaRuntime}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Multipart" Version="{KiotaRuntime}" />
          </ItemGroup>
        </Project>
        """;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Matching.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Matching.sln not found above the test directory.");
    }

    /// <summary>Runs a command to its end (at most 5 minutes) and returns its output; a non-zero exit fails the test with it.</summary>
    private static string Run(string directory, string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
        start.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {arguments} did not finish in 5 minutes:\n{output}");
        }
        process.WaitForExit();
        lock (output)
        {
            process.ExitCode.Should().Be(0, $"{file} {arguments} failed:\n{output}");
            return output.ToString();
        }
    }
}
