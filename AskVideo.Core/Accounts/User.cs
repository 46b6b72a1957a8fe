using Microsoft.AspNetCore.Identity;

namespace AskVideo.Core.Accounts;

/// <summary>An account. Integer ids, as in the public API.</summary>
public sealed class User : IdentityUser<int>
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set by an administrator: the account cannot sign in, its access tokens are refused and its
    /// share links stop answering. Null for an active account.
    /// </summary>
    public DateTimeOffset? DeactivatedAt { get; set; }

    /// <summary>
    /// When the account last signed in with its password. A refresh continues a sign-in rather
    /// than making one, so it leaves this alone. Null for an account that never signed in.
    /// </summary>
    public DateTimeOffset? LastSignInAt { get; set; }
}

/// <summary>The Identity roles AskVideo knows.</summary>
public static class Roles
{
    /// <summary>Operators: may use <c>/api/admin/</c>. Otherwise ordinary users.</summary>
    public const string Admin = "admin";
}
