using AskVideo.Api.Auth;
using AskVideo.Core.Accounts;
using AskVideo.Core.Admin;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AskVideo.Api.Admin;

/// <summary>
/// <c>create-superuser --username NAME --email ADDRESS</c>: creates an administrator, or promotes the
/// existing user of that name, in the database the configuration names (the same settings the API
/// reads). The password comes from a prompt, or from the first line of standard input when it is
/// redirected; never from an argument, where it would stay in the shell's history and the process list.
/// </summary>
public static class SuperuserCommand
{
    public const string Name = "create-superuser";

    /// <summary>Done (created, promoted, or already an administrator).</summary>
    public const int Done = 0;
    /// <summary>Refused: weak password, email taken, database unreachable, ...</summary>
    public const int Refused = 1;
    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;

    private const string UsageText =
        "Usage: create-superuser --username NAME --email ADDRESS\n" +
        "The password is asked for, or read from standard input (first line) when that is not a terminal.";

    public static async Task<int> RunAsync(string[] args)
    {
        string? username = null, email = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--username" when i + 1 < args.Length: username = args[++i]; break;
                case "--email" when i + 1 < args.Length: email = args[++i]; break;
                case "--password" or "-p":
                    Console.Error.WriteLine("The password is never taken as an argument: pipe it to standard input, or type it at the prompt.");
                    return Usage;
                case "-h" or "--help":
                    Console.WriteLine(UsageText);
                    return Done;
                default: rest.Add(args[i]); break; // configuration, e.g. --ConnectionStrings:postgres=...
            }
        }
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrWhiteSpace(email))
        {
            Console.Error.WriteLine(UsageText);
            return Usage;
        }

        try
        {
            var builder = WebApplication.CreateBuilder([.. rest]);
            builder.Logging.ClearProviders();
            // The API's own database and Identity registration (same password rules), nothing else:
            // the sign-in services it also registers are never resolved here, so they are not
            // validated either (Development validates every registration on build).
            builder.Host.UseDefaultServiceProvider(provider => provider.ValidateOnBuild = false);
            builder.AddAppDatabase();
            builder.AddAuth();
            await using var app = builder.Build();
            await using var scope = app.Services.CreateAsyncScope();
            return await CreateOrPromoteAsync(scope.ServiceProvider, username.Trim(), email.Trim());
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            Console.Error.WriteLine("The database has no AskVideo tables yet: run the migrations first (the AppHost's migration step). Nothing changed.");
            return Refused;
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"Could not reach the database: {ex.Message.TrimEnd('.')}. Nothing changed.");
            return Refused;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or OptionsValidationException)
        {
            // A missing connection string, a database without the migrations, a broken setting.
            Console.Error.WriteLine($"create-superuser failed: {ex.Message.TrimEnd('.')}. Nothing changed.");
            return Refused;
        }
    }

    private static async Task<int> CreateOrPromoteAsync(IServiceProvider services, string username, string email)
    {
        var users = services.GetRequiredService<UserManager<User>>();
        var roles = services.GetRequiredService<RoleManager<IdentityRole<int>>>();
        var db = services.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await roles.RoleExistsAsync(Roles.Admin))
        {
            Fail(await roles.CreateAsync(new IdentityRole<int>(Roles.Admin)));
        }

        var user = await users.FindByNameAsync(username);
        if (user is not null)
        {
            if (await users.IsInRoleAsync(user, Roles.Admin))
            {
                Console.WriteLine($"User '{user.UserName}' (id {user.Id}) is already an administrator; nothing changed.");
                return Done;
            }
            Fail(await users.AddToRoleAsync(user, Roles.Admin));
            Audit(db, "user.promote", user, "existing user made administrator from the command line");
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            Console.WriteLine($"Promoted existing user '{user.UserName}' (id {user.Id}, {user.Email}) to administrator; their password is unchanged.");
            if (!string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase))
            {
                Console.WriteLine($"Note: their email address stays {user.Email}; {email} was not used.");
            }
            if (user.DeactivatedAt is not null)
            {
                Console.WriteLine($"Note: the account is deactivated; another administrator can reactivate it (POST /api/admin/users/{user.Id}/reactivate/).");
            }
            return Done;
        }

        if (await users.FindByEmailAsync(email) is { } owner)
        {
            Console.Error.WriteLine($"The email address {email} already belongs to user '{owner.UserName}'. Nothing changed. " +
                $"To make that user an administrator, run: create-superuser --username {owner.UserName} --email {owner.Email}");
            return Refused;
        }

        var password = ReadPassword();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("No password was given. Nothing changed.");
            return Refused;
        }
        user = new User { UserName = username, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
        var weak = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            weak.AddRange(result.Errors.Select(e => e.Description));
        }
        if (weak.Count > 0)
        {
            Console.Error.WriteLine($"The password is too weak: {string.Join(" ", weak)} Nothing changed.");
            return Refused;
        }
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            Console.Error.WriteLine($"The user could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))} Nothing changed.");
            return Refused;
        }
        Fail(await users.AddToRoleAsync(user, Roles.Admin));
        Audit(db, "user.create_superuser", user, "administrator created from the command line");
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        Console.WriteLine($"Created administrator '{user.UserName}' (id {user.Id}, {user.Email}); the email address counts as verified.");
        return Done;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }
        var first = Prompt("Password: ");
        var second = Prompt("Password (again): ");
        if (first != second)
        {
            Console.Error.WriteLine("The two passwords differ.");
            return null;
        }
        return first;
    }

    /// <summary>Reads a line without echoing it.</summary>
    private static string Prompt(string label)
    {
        Console.Write(label);
        var text = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
        Console.WriteLine();
        return text.ToString();
    }

    private static void Audit(AppDbContext db, string action, User user, string detail) =>
        db.AuditEntries.Add(new AuditEntry
        {
            ActorId = null,
            ActorName = $"command line ({Environment.UserName})",
            Action = action,
            ResourceType = "user",
            ResourceId = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Detail = $"{user.UserName}; {detail}",
            CreatedAt = DateTimeOffset.UtcNow,
        });

    private static void Fail(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
