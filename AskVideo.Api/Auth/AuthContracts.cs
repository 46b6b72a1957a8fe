using System.Net.Mail;
using AskVideo.Api.Infrastructure;

namespace AskVideo.Api.Auth;

// Field names in validation errors are the JSON (snake_case) names.

public sealed record SignupRequest(string? Username, string? Email, string? Password) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("username", Username).CheckUsername("username", Username)
        .Required("email", Email).CheckEmail("email", Email)
        .Required("password", Password).MaxLength("password", Password, 128)
        .ToDictionary();
}

public sealed record SignupResponse(string Username, string Email, string Detail);

public sealed record VerifyEmailRequest(string? Uid, string? Token) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("uid", Uid).MaxLength("uid", Uid, 20)
        .Required("token", Token).MaxLength("token", Token, 200)
        .ToDictionary();
}

public sealed record EmailRequest(string? Email) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("email", Email).CheckEmail("email", Email)
        .ToDictionary();
}

public sealed record LoginRequest(string? Username, string? Password) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("username", Username).MaxLength("username", Username, 254)
        .Required("password", Password).MaxLength("password", Password, 128)
        .ToDictionary();
}

public sealed record TokenPair(string Access, string Refresh, string TokenType, int ExpiresIn);

public sealed record RefreshRequest(string? Refresh) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("refresh", Refresh).MaxLength("refresh", Refresh, 200)
        .ToDictionary();
}

public sealed record MeResponse(int Id, string Username, string Email, bool EmailVerified, DateTimeOffset CreatedAt);

public sealed record UpdateMeRequest(string? Username) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("username", Username).CheckUsername("username", Username)
        .ToDictionary();
}

public sealed record DeleteMeRequest(string? Password) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("password", Password).MaxLength("password", Password, 128)
        .ToDictionary();
}

public sealed record PasswordResetConfirmRequest(string? Uid, string? Token, string? NewPassword) : IValidatable
{
    public Dictionary<string, string[]> Validate() => new Validation.Errors()
        .Required("uid", Uid).MaxLength("uid", Uid, 20)
        .Required("token", Token).MaxLength("token", Token, 200)
        .Required("new_password", NewPassword).MaxLength("new_password", NewPassword, 128)
        .ToDictionary();
}

public sealed record DetailResponse(string Detail);

internal static class AccountRules
{
    public const int UsernameMinLength = 3;
    public const int UsernameMaxLength = 150;

    public static Validation.Errors CheckUsername(this Validation.Errors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || errors.Has(field))
        {
            return errors;
        }
        return errors
            .Check(field, value.Length is >= UsernameMinLength and <= UsernameMaxLength,
                $"Between {UsernameMinLength} and {UsernameMaxLength} characters.")
            .Check(field, value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '@'),
                "Only letters, digits and . _ - + @ are allowed.");
    }

    public static Validation.Errors CheckEmail(this Validation.Errors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || errors.Has(field))
        {
            return errors;
        }
        var valid = value.Length <= 254
            && MailAddress.TryCreate(value, out var address)
            && address.Address == value
            && address.Host.Contains('.', StringComparison.Ordinal);
        return errors.Check(field, valid, "Enter a valid email address.");
    }
}
