using Matching.Api.App;
using Matching.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddMatching();
builder.AddApp();

var app = builder.Build();
app.UseMatching();
app.UseApp();
app.MapMatching();
app.MapApp();
app.Run();

/// <summary>The host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
