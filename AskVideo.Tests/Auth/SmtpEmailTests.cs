using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using AskVideo.Tests.Infrastructure;
using MimeKit;

namespace AskVideo.Tests.Auth;

/// <summary>An API that sends its mail through SMTP, to a recording server on loopback.</summary>
public sealed class SmtpApiFactory(TestServices services) : ApiFactory(services)
{
    public const string From = "AskVideo <accounts@askvideo.test>";
    public const string Login = "mailer";
    public const string Password = "mailer-secret";

    public SmtpRecorder Smtp { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:From"] = From,
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Email:Smtp:Username"] = Login,
        ["Email:Smtp:Password"] = Password,
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed partial class SmtpEmailTests(SmtpApiFactory api) : IClassFixture<SmtpApiFactory>
{
    [Fact]
    public async Task Sign_up_sends_the_verification_link_through_the_smtp_server_with_its_login_and_the_link_works()
    {
        var account = Accounts.NewAccount();
        using var client = api.CreateClient();

        (await client.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);

        var mail = Assert.Single(api.Smtp.Messages, m => m.To.Contains(account.Email));
        Assert.Equal((SmtpApiFactory.Login, SmtpApiFactory.Password), (mail.Login, mail.Password));
        Assert.Equal("accounts@askvideo.test", mail.From);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(mail.Data)), TestContext.Current.CancellationToken);
        Assert.Equal("Verify your AskVideo email address", message.Subject);
        Assert.Equal(account.Email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("accounts@askvideo.test", Assert.Single(message.From.Mailboxes).Address);
        // Nothing went to the pickup folder: SMTP replaced it.
        Assert.Empty(api.Mailbox.To(account.Email));

        var link = new Uri(LinkPattern().Match(message.TextBody ?? "").Value);
        Assert.Equal("http://front.example/verify-email", link.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(link.Query);
        (await client.VerifyAsync((query["uid"]!, query["token"]!))).AssertStatus(HttpStatusCode.OK);
        await client.LoginOkAsync(account);
    }

    [GeneratedRegex(@"https?://\S+\?uid=\S+")]
    private static partial Regex LinkPattern();
}
