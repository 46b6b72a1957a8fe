using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AskVideo.Api.Email;

/// <summary>A message to one person, with the one link it is about (if any).</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? Link = null);

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

public static class EmailRegistration
{
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.Section)
            .Validate(o => Uri.IsWellFormedUriString(o.LinkBaseUrl, UriKind.Absolute), "Email:LinkBaseUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddSingleton<IEmailSender>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp.Host)
                ? ActivatorUtilities.CreateInstance<PickupDirectoryEmailSender>(sp)
                : ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp));
        return services;
    }

    internal static MimeMessage ToMime(EmailMessage message, EmailOptions options)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.TextBody };
        return mime;
    }
}

/// <summary>Sends through the configured SMTP server (MailKit).</summary>
internal sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Smtp.Host!, settings.Smtp.Port,
            settings.Smtp.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None,
            cancellationToken);
        if (!string.IsNullOrEmpty(settings.Smtp.Username))
        {
            await client.AuthenticateAsync(settings.Smtp.Username, settings.Smtp.Password ?? "", cancellationToken);
        }
        await client.SendAsync(EmailRegistration.ToMime(message, settings), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>
/// Development mode: writes each message as an .eml file and logs its link, so a developer can
/// follow it without a mail server.
/// </summary>
internal sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options, ILogger<PickupDirectoryEmailSender> logger)
    : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        Directory.CreateDirectory(settings.PickupDirectory);
        var path = Path.Combine(settings.PickupDirectory, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.eml");
        await EmailRegistration.ToMime(message, settings).WriteToAsync(path, cancellationToken);
        logger.LogInformation("Email \"{Subject}\" to {To} written to {Path}; link: {Link}",
            message.Subject, message.To, path, message.Link ?? "(none)");
    }
}
