using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Web;

/// <summary>
/// The real web app on Kestrel at 127.0.0.1:<paramref name="port"/>, finding the Api at
/// <paramref name="apiUrl"/> as service discovery would under the AppHost.
/// </summary>
public sealed class WebAppFactory(string apiUrl, int port, TimeProvider? time = null) : WebApplicationFactory<AskVideo.Web.Accounts.TokenStore>
{
    public string Url { get; } = $"http://127.0.0.1:{port}";

    public void Start()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("services:api:http:0", apiUrl);
        if (time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }
}
