using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoDesign.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class JobPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Plan",
                table: "Jobs",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Plan",
                table: "Jobs");
        }
    }
}
