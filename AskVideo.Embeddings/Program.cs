using AskVideo.Embeddings.Model;
using AskVideo.Embeddings.OpenAi;
using AskVideo.ServiceDefaults;

// The local embeddings service: an English sentence model behind an OpenAI-compatible
// POST /v1/embeddings, so that search by meaning works with no provider configured.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEncoder();
builder.AddEmbeddingsApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapEmbeddingsApi();

await app.RunAsync();
