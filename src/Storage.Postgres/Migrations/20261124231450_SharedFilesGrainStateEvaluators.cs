using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoDesign.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SharedFilesGrainStateEvaluators : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "BestCost",
                table: "Jobs",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EvaluatedOn",
                table: "Candidates",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "GrainStates",
                columns: table => new
                {
                    StateName = table.Column<string>(type: "text", nullable: false),
                    GrainId = table.Column<string>(type: "text", nullable: false),
                    ETag = table.Column<string>(type: "text", nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrainStates", x => new { x.StateName, x.GrainId });
                });

            migrationBuilder.CreateTable(
                name: "SharedFiles",
                columns: table => new
                {
                    Path = table.Column<string>(type: "text", nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    Sha256 = table.Column<string>(type: "text", nullable: false),
                    SavedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SharedFiles", x => x.Path);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrainStates");

            migrationBuilder.DropTable(
                name: "SharedFiles");

            migrationBuilder.DropColumn(
                name: "BestCost",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "EvaluatedOn",
                table: "Candidates");
        }
    }
}
