using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

/// <summary>
/// The set-up shared by the tests that run the real service as a child process (<see cref="ApiProcess"/>): a fresh temp
/// folder per test, and after it the process disposed and the folder removed.
/// </summary>
/// <param name="folderPrefix">The temp folder's name prefix, such as <c>matching-crash-</c>.</param>
public abstract class ApiProcessTests(string folderPrefix)
{
    /// <summary>This test's temp folder.</summary>
    protected string Folder { get; private set; } = "";

    /// <summary>The process the test started, if any; disposed after the test.</summary>
    private protected ApiProcess? Api { get; set; }

    [SetUp]
    public void CreateFolder() => Folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;

    [TearDown]
    public void DisposeProcessAndFolder()
    {
        Api?.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held on a slow file system; the temp folder is cleaned by the OS.
        }
    }
}
